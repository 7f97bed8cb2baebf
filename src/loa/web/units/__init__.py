"""Administrative and organisational units: the province → commune tree, unit groups and history."""
