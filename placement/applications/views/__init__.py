"""Applications pages, one module per audience: `public` (job fairs), `me` (the job seeker), `console`."""
