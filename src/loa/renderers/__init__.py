"""Renderers turn the campaign model into artifacts in memory; they never write files."""
