"""Activity reports of recipient units, with audience counts and sanitised evidence photos."""
