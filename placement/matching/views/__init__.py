"""Matching pages, one module per audience: `me` (the job seeker's "jobs for you"), `console` (staff)."""
