"""Login security: lockout after failed logins (django-axes) and two-factor (django-otp)."""
