from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_moderation_undo_actions"),
        # The notices are copied over before this table goes.
        ("notifications", "0002_carry_over_notices_and_email_choices"),
    ]

    operations = [migrations.DeleteModel(name="Notice")]
