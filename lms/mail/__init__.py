"""Outgoing mail: building messages, delivering them over SMTP and spacing out retries."""
