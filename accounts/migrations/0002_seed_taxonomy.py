from django.db import migrations

from accounts import taxonomy


def load(apps, schema_editor):
    ServiceArea = apps.get_model("accounts", "ServiceArea")
    Region = apps.get_model("accounts", "Region")
    SupportTopic = apps.get_model("accounts", "SupportTopic")
    Stage = apps.get_model("accounts", "Stage")
    for order, (slug, name) in enumerate(taxonomy.SERVICE_AREAS):
        ServiceArea.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    for order, (slug, name) in enumerate(taxonomy.REGIONS):
        Region.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    for order, (slug, name, short) in enumerate(taxonomy.SUPPORT_TOPICS):
        SupportTopic.objects.update_or_create(slug=slug, defaults={"name": name, "order": order, "short_name": short})
    # The four stages the service started with (0006 aligns them with the guide's five): frozen here, so this
    # migration does the same whatever accounts/taxonomy.py says today.
    for order, (slug, name) in enumerate(
        [
            ("exploring", "Exploring"),
            ("developing", "Developing"),
            ("recently-spun-out", "Recently spun out"),
            ("established", "Established"),
        ]
    ):
        Stage.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    regions = {r.slug: r for r in Region.objects.all()}
    for a, b in taxonomy.REGION_NEIGHBOURS:
        regions[a].neighbours.add(regions[b])


def unload(apps, schema_editor):
    # Keep the terms: other rows may refer to them. Reversing only removes the neighbour links.
    Region = apps.get_model("accounts", "Region")
    for region in Region.objects.all():
        region.neighbours.clear()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
