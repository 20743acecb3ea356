"""Merge the emerging-projects list into the one pipeline of mutuals (issue 13).

Each emerging project becomes a Mutual with no members (unclaimed), not listed publicly, at the guide's first stage,
with a first stage-history row dated when the project was added and by whoever added it. Nothing is lost: the name,
region, service area and notes move to the mutual (notes become its description, the adder its creator, the date
its creation date); the project row stays, linked to the mutual, keeping who spotted it and at which engagement.
The next migration drops the project's copies of the fields that now live on the mutual.
"""

from django.db import migrations
from django.utils.text import slugify

FIRST_STAGE_SLUG = "exploring"
RESERVED_MUTUAL_SLUGS = {"new"}


def _free_slug(Mutual, name):
    base = slugify(name)[:200].strip("-") or "mutual"
    taken = set(Mutual.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_MUTUAL_SLUGS
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def projects_to_mutuals(apps, schema_editor):
    EmergingProject = apps.get_model("ambassadors", "EmergingProject")
    Mutual = apps.get_model("accounts", "Mutual")
    Stage = apps.get_model("accounts", "Stage")
    StageChange = apps.get_model("accounts", "StageChange")
    stage = Stage.objects.get(slug=FIRST_STAGE_SLUG)
    for project in EmergingProject.objects.filter(mutual__isnull=True).order_by("created_at", "pk"):
        mutual = Mutual.objects.create(
            name=project.name,
            slug=_free_slug(Mutual, project.name),
            region_id=project.region_id,
            stage=stage,
            description=project.notes,
            created_by_id=project.added_by_id,
            listed_publicly=False,
        )
        # created_at is auto_now_add: set the project's own date afterwards, with an update that bypasses it.
        Mutual.objects.filter(pk=mutual.pk).update(created_at=project.created_at)
        mutual.service_areas.add(project.service_area_id)
        StageChange.objects.create(
            mutual=mutual, to_stage=stage, changed_by_id=project.added_by_id, changed_at=project.created_at
        )
        project.mutual = mutual
        project.save(update_fields=["mutual"])


def mutuals_to_projects(apps, schema_editor):
    """Back out: copy the fields back onto the projects (the previous migration's schema still has them) and
    remove the mutuals this migration made, unless somebody has claimed one since."""
    EmergingProject = apps.get_model("ambassadors", "EmergingProject")
    for project in EmergingProject.objects.filter(mutual__isnull=False).select_related("mutual"):
        mutual = project.mutual
        project.name = mutual.name
        project.region_id = mutual.region_id
        project.service_area_id = mutual.service_areas.order_by("pk").values_list("pk", flat=True).first()
        project.notes = mutual.description
        project.mutual = None
        project.save()
        if not mutual.memberships.exists():
            mutual.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_stage_history"),
        ("ambassadors", "0004_emerging_project_mutual"),
    ]

    operations = [
        migrations.RunPython(projects_to_mutuals, mutuals_to_projects),
    ]
