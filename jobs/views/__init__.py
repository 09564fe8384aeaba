"""Jobs' pages, one module per audience: `public` (the job supermarket), `console` (the demand console)."""
