"""Indicators (numerator/denominator) and the dashboard: rates, reach, laggards, server-drawn charts."""
