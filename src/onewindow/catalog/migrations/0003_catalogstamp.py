import uuid

from django.db import migrations, models


def first_stamp(apps, schema_editor):
    apps.get_model("catalog", "CatalogStamp").objects.create(pk=1, value=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_department_rectification_days"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_stamp, migrations.RunPython.noop),
    ]
