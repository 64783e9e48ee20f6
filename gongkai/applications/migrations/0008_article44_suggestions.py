"""条例 第四十四条: the applicant's suggestion of proactive disclosure, and the catalogue draft a case became."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_online_correction_and_reply_files"),
        ("catalogue", "0011_item_withdrawn_by_rescan"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="suggests_proactive",
            field=models.BooleanField(default=False, verbose_name="申请人建议主动公开"),
        ),
        migrations.AddField(
            model_name="application",
            name="proactive_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.item",
                verbose_name="转为主动公开的目录条目",
            ),
        ),
    ]
