# Sign-off of reply drafts (#16): which outcomes an agency's approver signs before a reply is issued, and the drafts.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0002_agency_remedy_bodies_for_letters'),
        ('applications', '0005_application_items_counted_for_fees'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SignOffSetting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome_groups', models.JSONField(blank=True, default=list, verbose_name='须经签发的办理结果')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('agency', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='sign_off_setting', to='agencies.agency', verbose_name='机关')),
            ],
            options={
                'verbose_name': '答复签发设置',
                'verbose_name_plural': '答复签发设置',
            },
        ),
        migrations.CreateModel(
            name='ReplyDraft',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('disclosed', '予以公开'), ('partly_disclosed', '部分公开（区分处理）'), ('withheld_state_secret', '不予公开：属于国家秘密'), ('withheld_prohibited', '不予公开：其他法律行政法规禁止公开'), ('withheld_security', '不予公开：危及“三安全一稳定”'), ('withheld_third_party', '不予公开：保护第三方合法权益'), ('withheld_internal', '不予公开：属于三类内部事务信息'), ('withheld_process', '不予公开：属于四类过程性信息'), ('withheld_enforcement', '不予公开：属于行政执法案卷'), ('withheld_inquiry', '不予公开：属于行政查询事项'), ('unavailable_not_held', '无法提供：本机关不掌握相关政府信息'), ('unavailable_needs_creation', '无法提供：没有现成信息需要另行制作'), ('unavailable_unclear', '无法提供：补正后申请内容仍不明确'), ('not_processed_petition', '不予处理：信访举报投诉类申请'), ('not_processed_repeat', '不予处理：重复申请'), ('not_processed_publication', '不予处理：要求提供公开出版物'), ('not_processed_excessive', '不予处理：无正当理由大量反复申请'), ('not_processed_confirmation', '不予处理：要求行政机关确认或重新出具已获取信息'), ('other_no_correction', '其他处理：申请人无正当理由逾期不补正'), ('other_fee_unpaid', '其他处理：申请人逾期未按收费通知要求缴纳费用'), ('other', '其他处理：其他（含申请人撤回申请）')], max_length=40, verbose_name='办理结果')),
                ('detail', models.TextField(blank=True, verbose_name='答复内容及理由')),
                ('topics', models.JSONField(blank=True, default=list, verbose_name='主题')),
                ('state', models.CharField(choices=[('awaiting_sign_off', '待签发'), ('ready', '无须签发，待出具'), ('signed', '已签发，待出具'), ('returned', '已退回修改'), ('withdrawn', '已撤回'), ('issued', '已出具')], max_length=20, verbose_name='状态')),
                ('needs_sign_off', models.BooleanField(verbose_name='须经签发')),
                ('drafted_at', models.DateTimeField(verbose_name='拟办时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='签发或退回时间')),
                ('comment', models.TextField(blank=True, verbose_name='签发或退回意见')),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='drafts', to='applications.application')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='签发人')),
                ('drafted_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='拟办人')),
            ],
            options={
                'verbose_name': '拟办答复',
                'verbose_name_plural': '拟办答复',
                'ordering': ['drafted_at', 'id'],
                'indexes': [models.Index(fields=['state'], name='reply_draft_state')],
            },
        ),
    ]
