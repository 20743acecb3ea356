"""Notices move here from the messaging app, and the one on/off email switch (User.email_notifications) becomes
the three optional categories: off for all of them for people who had switched emails off.

Old notices were stored as finished words; they are kept under the "legacy" event, whose wording is the stored text.
"""

from django.db import migrations


def carry_over(apps, schema_editor):
    OldNotice = apps.get_model("messaging", "Notice")
    Notice = apps.get_model("notifications", "Notice")
    User = apps.get_model("accounts", "User")
    EmailPreferences = apps.get_model("notifications", "EmailPreferences")
    batch = []
    for old in OldNotice.objects.order_by("id").iterator(chunk_size=2000):
        batch.append(
            Notice(
                user_id=old.user_id,
                event="legacy",
                kind=old.kind,
                params={"text": old.text},
                url=old.url,
                created_at=old.created_at,
                read_at=old.read_at,
            )
        )
        if len(batch) >= 2000:
            Notice.objects.bulk_create(batch)
            batch = []
    Notice.objects.bulk_create(batch)
    EmailPreferences.objects.bulk_create(
        [
            EmailPreferences(user_id=user_id, messages=False, mentoring=False, programme=False)
            for user_id in User.objects.filter(email_notifications=False).values_list("id", flat=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("messaging", "0004_moderation_undo_actions"),
        ("accounts", "0003_email_claims"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
