"""Security controls, each proven by a test."""
