# The recent-stage component of a score: helped a mutual at the request's stage recently. Versions saved before it
# existed get 0.05, the engine's default, so that the component counts from the next run; the database default also
# fills it in for the old code's inserts during a rolling deploy.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_batch_publication_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchingweights",
            name="recent_stage",
            field=models.FloatField(
                db_default=0.05,
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(1.0),
                ],
            ),
        ),
        migrations.RemoveConstraint(
            model_name="matchingweights",
            name="matching_weights_between_0_and_1",
        ),
        migrations.AddConstraint(
            model_name="matchingweights",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("service_area__gte", 0),
                    ("service_area__lte", 1),
                    ("topics__gte", 0),
                    ("topics__lte", 1),
                    ("region__gte", 0),
                    ("region__lte", 1),
                    ("stage__gte", 0),
                    ("stage__lte", 1),
                    ("capacity__gte", 0),
                    ("capacity__lte", 1),
                    ("recent_stage__gte", 0),
                    ("recent_stage__lte", 1),
                ),
                name="matching_weights_between_0_and_1",
            ),
        ),
    ]
