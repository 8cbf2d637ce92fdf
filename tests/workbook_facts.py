"""What a reader of a workbook sees, read with openpyxl into plain data: sheet by sheet every cell's
value, type, number format, font, fill, border and alignment, and the layout (widths, heights,
frozen panes, filter, merged cells, print setup, page breaks, charts), with the properties.

Two workbooks with equal facts look and print the same to openpyxl, whichever library wrote them.
Where writers spell the same thing differently the facts say it one way: a colour's last six hex
digits, a font without a size as 11 pt, vertical "bottom" (the default) as None, a width to the
1/7 character that Excel stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter


def _colour(c: Any) -> str | None:
    rgb = getattr(c, "rgb", None) if c is not None else None
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def cell_facts(c: Any) -> tuple:
    """(value, type, number format, (bold, italic, size, colour), fill, top border, alignment, quote)."""
    f, a, b = c.font, c.alignment, c.border
    fill = _colour(c.fill.fgColor) if c.fill is not None and c.fill.fill_type == "solid" else None
    top = (b.top.style, _colour(b.top.color)) if b is not None and b.top is not None and b.top.style else None
    return (c.value, c.data_type if c.value is not None else None, c.number_format if c.value is not None else None,
            (bool(f.b), bool(f.i), float(f.sz or 11), _colour(f.color) or "000000"),
            fill, top,
            (a.horizontal, None if a.vertical == "bottom" else a.vertical, bool(a.wrap_text)),
            bool(c.quotePrefix) if isinstance(c.value, str) else False)


def _shown(facts: tuple) -> bool:
    """A cell a reader sees: a value, or a fill or border."""
    return facts[0] is not None or facts[4] is not None or facts[5] is not None


def sheet_facts(ws: Any) -> dict[str, Any]:
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            f = cell_facts(c)
            if _shown(f):
                cells[c.coordinate] = f
    ps = ws.page_setup
    fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    return {
        "cells": cells,
        "widths": {get_column_letter(col): round(round(d.width * 7) / 7, 3)   # a <col> may span columns
                   for d in ws.column_dimensions.values() if d.customWidth for col in range(d.min, d.max + 1)},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "print": {"orientation": ps.orientation, "paper": int(ps.paperSize or 0), "fit": fit,
                  "fit_width": int(ps.fitToWidth or 1) if fit else None,   # 1 is the file format's default
                  "fit_height": int(ps.fitToHeight if ps.fitToHeight is not None else 1) if fit else None,
                  "scale": None if fit else ps.scale, "centred": bool(ws.print_options.horizontalCentered),
                  "margins": tuple(getattr(ws.page_margins, k) for k in ("left", "right", "top", "bottom",
                                                                         "header", "footer")),
                  "rows": ws.print_title_rows, "cols": ws.print_title_cols,
                  "header": (ws.oddHeader.center.text, ws.oddHeader.center.font, ws.oddHeader.center.size),
                  "footer": (ws.oddFooter.left.text, ws.oddFooter.right.text),
                  "breaks": [b.id for b in ws.col_breaks.brk]},
        "charts": [(type(ch).__name__, len(ch.series)) for ch in ws._charts],
    }


def workbook_facts(path: str | Path) -> dict[str, Any]:
    """Everything above for each sheet, in order, and the document's properties."""
    wb = openpyxl.load_workbook(path)
    return {"sheets": wb.sheetnames,
            "properties": (wb.properties.title, wb.properties.creator,
                           {p.name: p.value for p in wb.custom_doc_props.props}),
            **{name: sheet_facts(wb[name]) for name in wb.sheetnames}}


def differences(a: dict[str, Any], b: dict[str, Any], limit: int = 20) -> list[str]:
    """Where two workbooks' facts differ, at most `limit` places, said plainly."""
    out: list[str] = []
    if a["sheets"] != b["sheets"] or a["properties"] != b["properties"]:
        out.append(f"sheets/properties: {a['sheets']} {a['properties']} != {b['sheets']} {b['properties']}")
    for name in a["sheets"]:
        if name not in b:
            continue
        sa, sb = a[name], b[name]
        for key in sa:
            if key == "cells":
                for ref in sorted(set(sa["cells"]) | set(sb["cells"])):
                    if sa["cells"].get(ref) != sb["cells"].get(ref):
                        out.append(f"{name}!{ref}: {sa['cells'].get(ref)} != {sb['cells'].get(ref)}")
            elif sa[key] != sb[key]:
                out.append(f"{name} {key}: {sa[key]} != {sb[key]}")
    return out[:limit]
