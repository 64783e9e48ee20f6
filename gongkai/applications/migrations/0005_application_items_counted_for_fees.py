# 国办函〔2020〕109号 counts items (件) per applicant per month, not applications.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0004_files_in_the_private_root'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='items',
            field=models.PositiveIntegerField(default=1, verbose_name='申请件数'),
        ),
        # A case already sent a per-item fee notice has been counted: its items are the notice's quantity.
        migrations.RunSQL(
            "UPDATE applications_application SET items = (SELECT MAX(f.quantity) FROM applications_fee f "
            "WHERE f.application_id = applications_application.id AND f.method = 'per_item') "
            "WHERE id IN (SELECT application_id FROM applications_fee WHERE method = 'per_item')",
            migrations.RunSQL.noop,
        ),
    ]
