"""Publishes version 1 of the mentors' code of conduct, so every installation has a current code from the start."""

from django.db import migrations
from django.utils import timezone

CODE = """You volunteer your time and experience to help a public service mutual succeed. These commitments keep that help trustworthy. You accept them before your first introduction, and again whenever the programme team publishes a new version.

1. No selling. You do not sell, offer or promote paid services to the mutual you mentor, for yourself, your firm or anyone else, during the mentoring or for 12 months after it ends. If the mutual asks to buy services from you or your firm, tell the programme team before anything is agreed. Mentoring is free and stays free.

2. Confidentiality. What the mutual tells you (its plans, finances, staff, negotiations with its commissioners) stays between you, the mutual and the programme team. You do not share it, use it for your own or your employer's benefit, or keep documents longer than the mentoring needs.

3. Conflicts of interest. You declare any interest that could affect your advice: work for the mutual's commissioner, parent body or competitors, a bid you or your firm might make for the same services, or a personal connection. Declare it on your mentor profile and tell the mutual before you advise on anything it touches. If in doubt, declare it.

4. Stay within your role. You guide and share experience; you do not take decisions for the mutual, act as its lawyer, accountant or adviser of record, or give regulated advice you are not engaged to give. Where the mutual needs professional advice, help it find it.

5. Respect and safety. You treat everyone with courtesy and respect, keep to the meetings you agree, and use the platform's conversation for mentoring. Harassment, discrimination or pressure of any kind ends your place in the programme.

6. Tell us about problems. If something goes wrong, or you see a breach of this code, tell the programme team. Mutual members can report a breach from the code of conduct page; the programme team looks at every report."""


def publish(apps, schema_editor):
    CodeOfConduct = apps.get_model("accounts", "CodeOfConduct")
    if not CodeOfConduct.objects.exists():
        CodeOfConduct.objects.create(
            version=1, summary="The first version.", body=CODE, published_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_codeofconduct_conductacceptance")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
