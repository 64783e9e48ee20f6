"""The limits on files: the applicant's (form and correction alike) and the reply's, checked by core.uploads.

Forms check them to show the error beside the field; the correction and reply services check them again, so no
other caller stores a file the forms would refuse.
"""

from django.utils.translation import gettext as _

from gongkai.core.uploads import upload_problems

# The applicant's uploads (the form's identity papers, a correction's material): checked by core.uploads.
ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
ATTACHMENT_TYPE_NAMES = "PDF、JPG或PNG"
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_MAX_FILES = 3
# The disclosed information staff attach to a reply (条例 第四十条: in the form the applicant asked for).
REPLY_FILE_TYPES = {".pdf", ".ofd", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".txt", ".jpg", ".jpeg", ".png", ".zip"}
REPLY_FILE_TYPE_NAMES = "PDF、OFD、Word、Excel、CSV、TXT、JPG、PNG或ZIP"
REPLY_FILE_MAX_BYTES = 20 * 1024 * 1024
REPLY_FILE_MAX_FILES = 10
# All of one reply's files together: one request, under the proxy's 25 MB body limit (docs/deploy.md).
REPLY_FILES_MAX_TOTAL = 20 * 1024 * 1024


def applicant_upload_problems(files) -> list[str]:
    return upload_problems(
        files, types=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES, max_files=ATTACHMENT_MAX_FILES,
        type_names=ATTACHMENT_TYPE_NAMES,
    )  # fmt: skip


def reply_file_problems(files) -> list[str]:
    problems = upload_problems(
        files, types=REPLY_FILE_TYPES, max_bytes=REPLY_FILE_MAX_BYTES, max_files=REPLY_FILE_MAX_FILES,
        type_names=REPLY_FILE_TYPE_NAMES,
    )  # fmt: skip
    if not problems and sum(f.size for f in files) > REPLY_FILES_MAX_TOTAL:
        problems.append(
            _("随答复上传的文件合计不能超过%(mb)sMB；更大的材料请压缩后上传，或以光盘、邮寄等其他方式提供。")
            % {"mb": REPLY_FILES_MAX_TOTAL // (1024 * 1024)}
        )
    return problems
