"""Email notifications over SMTP (implements ``convene_deliver_notification``). Registers no hooks yet."""
