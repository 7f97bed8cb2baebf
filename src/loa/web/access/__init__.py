"""Who may see and do what: roles scoped to a subtree of units, the one scoping helper, the audit log,
and TOTP two-factor login for administrators."""
