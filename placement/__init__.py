"""Placement: where supply (workers) meets demand (jobs) — applications, job fairs and matching."""
