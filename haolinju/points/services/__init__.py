"""Writes of the points app; each public function is keyword-only and atomic."""
