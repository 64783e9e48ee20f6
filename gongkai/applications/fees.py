"""信息处理费 (国办函〔2020〕109号): per item or per page, progressive over thresholds, never both."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FeeQuote:
    amount: Decimal
    lines: tuple[str, ...]

    def explain(self) -> str:
        return "\n".join(self.lines)


def item_rate(k: int) -> int:
    """Yuan for the k-th item an applicant asks for in one calendar month.

    Items 1-10 are free, 11-30 cost 100 yuan each, and each further band of 10 adds 100 yuan per item.
    """
    if k <= 10:
        return 0
    if k <= 30:
        return 100
    return 100 * (1 + -(-(k - 30) // 10))


def per_item_fee(*, items: int, prior_items: int = 0, earlier: Sequence[tuple[str, int]] = ()) -> FeeQuote:
    """按件计收: `items` in this application, `prior_items` already asked for by the applicant this month.

    The count is cumulative per applicant per calendar month at the agency: a second application of 5 items
    after a first of 15 pays for items 16-20. `earlier` names those earlier applications (number, items) so the
    notice shows where `prior_items` comes from.
    """
    if items < 1 or prior_items < 0:
        raise ValueError("items must be positive and prior_items not negative")
    bands: dict[int, list[int]] = {}
    for k in range(prior_items + 1, prior_items + items + 1):
        bands.setdefault(item_rate(k), []).append(k)
    lines = [
        f"按件计收：本月此前已申请{prior_items}件，本次{items}件，为本月第{prior_items + 1}至{prior_items + items}件。"
    ]
    if earlier:
        lines.append("本月此前的申请：" + "；".join(f"{number}（{n}件）" for number, n in earlier) + "。")
    total = 0
    for rate, ks in sorted(bands.items()):
        subtotal = rate * len(ks)
        total += subtotal
        lines.append(f"第{ks[0]}至{ks[-1]}件，共{len(ks)}件 × {rate}元 = {subtotal}元。")
    lines.append(f"合计{total}元。")
    return FeeQuote(Decimal(total), tuple(lines))


PAGE_BANDS = ((30, 0), (100, 10), (200, 20), (None, 40))


def per_page_fee(*, pages: int) -> FeeQuote:
    """按量计收: pages 1-30 free, 31-100 at 10 yuan, 101-200 at 20 yuan, from 201 at 40 yuan per page."""
    if pages < 1:
        raise ValueError("pages must be positive")
    lines = [f"按量计收：共{pages}页。"]
    total = 0
    lower = 0
    for upper, rate in PAGE_BANDS:
        top = pages if upper is None else min(pages, upper)
        if top <= lower:
            break
        count = top - lower
        total += count * rate
        lines.append(f"第{lower + 1}至{top}页，共{count}页 × {rate}元 = {count * rate}元。")
        lower = top
    lines.append(f"合计{total}元。")
    return FeeQuote(Decimal(total), tuple(lines))
