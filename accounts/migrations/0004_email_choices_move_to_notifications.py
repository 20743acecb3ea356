from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_email_claims"),
        # The on/off switch is carried over to notifications' email preferences before it goes.
        ("notifications", "0002_carry_over_notices_and_email_choices"),
    ]

    operations = [migrations.RemoveField(model_name="user", name="email_notifications")]
