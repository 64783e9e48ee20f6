"""One row per run of a periodic job: when, how it ended, what it did. The worker writes them (services.job_run)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    RETRYING = "retrying", _("失败，将重试")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("跳过（上一次尚未结束）")


TRIGGER_LABELS = {
    "schedule": _("按计划"), "command": _("命令行"), "retry": _("自动重试"), "manual": _("手动立即运行"),
}  # fmt: skip


class JobRun(models.Model):
    job = models.CharField(_("任务"), max_length=60)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    state = models.CharField(_("结果"), max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    attempt = models.PositiveSmallIntegerField(_("第几次尝试"), default=1)
    # "schedule" (the worker), "command" (manage.py jobs run), "retry", or "manual" (立即运行 in the back office).
    trigger = models.CharField(_("触发方式"), max_length=10, default="schedule")
    summary = models.CharField(_("结果摘要"), max_length=500, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("任务运行记录")
        verbose_name_plural = _("任务运行记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_idx")]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def trigger_label(self) -> str:
        return str(TRIGGER_LABELS.get(self.trigger, self.trigger))

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
