"""stayup's resilience rules as checkov custom checks (loaded with --external-checks-dir)."""
