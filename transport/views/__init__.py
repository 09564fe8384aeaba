"""Trip pages, one module per audience: `console` (dispatchers), `public` (anyone), `me` (the job seeker)."""
