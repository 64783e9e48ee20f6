# 条例 第五十一条: the reconsideration body and the court a reply letter names.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='competent_court',
            field=models.CharField(blank=True, max_length=100, verbose_name='管辖人民法院'),
        ),
        migrations.AddField(
            model_name='agency',
            name='reconsideration_body',
            field=models.CharField(blank=True, max_length=100, verbose_name='行政复议机关'),
        ),
    ]
