from django import template

register = template.Library()


@register.inclusion_tag("annual_reports/_grid.html")
def report_grid(grid, caption: str = "", cell_url: str = "", flagged=None):
    """A report table with its merged cells; with `cell_url`, each figure links to the records it counts."""
    flagged = set(flagged or ())
    rows = [
        [
            {
                "cell": cell,
                "url": cell_url.replace("ADDRESS", cell.address) if cell_url and cell.address else "",
                "flagged": cell.address in flagged,
            }
            for cell in row
        ]
        for row in grid
    ]
    return {"rows": rows, "caption": caption}
