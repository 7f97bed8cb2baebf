"""The staff area's shell: sign-in with TOTP, home, units, audit log, security headers, demo data."""
