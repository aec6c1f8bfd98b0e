"""The built-in rubrics as data: Kemendagri's IGA presentation rubric and KemenPAN-RB's KIPP criteria.

Seeded idempotently by ``rubrics.seed_builtin_rubrics``; a round scores with its own copy.
"""
from __future__ import annotations

from typing import Any

IGA_CODE = "iga-presentasi"
KIPP_CODE = "kipp"


def _levels(*texts: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {str(i + 1): {"id": t[0], "en": t[1]} for i, t in enumerate(texts)}


# The IGA presentation rubric (Kemendagri, 2023): five criteria weighted 30/25/20/15/10, scored 1-5.
# The KIPP rubric (KemenPAN-RB): its five criteria; KemenPAN-RB publishes no weights for the
# proposal stage, so they weigh equally (20 each), also scored 1-5 so the two rubrics compare.
BUILTIN_RUBRICS: list[dict[str, Any]] = [
    {
        "code": IGA_CODE,
        "name": "Presentasi IGA (Kemendagri)",
        "name_en": "IGA presentation (Ministry of Home Affairs)",
        "description": "Rubrik presentasi Innovative Government Award: lima kriteria berbobot, skala 1-5.",
        "scale_min": 1, "scale_max": 5,
        "criteria": [
            {"code": "kebaharuan", "title": "Kebaharuan", "title_en": "Novelty", "weight": "30",
             "description": "Seberapa baru gagasan, cara, atau teknologi dibanding praktik sebelumnya.",
             "description_en": "How new the idea, method or technology is compared with earlier practice.",
             "descriptors": _levels(
                 ("Meniru praktik yang sudah umum tanpa perubahan.", "Copies common practice unchanged."),
                 ("Modifikasi kecil dari praktik yang ada.", "A small change to existing practice."),
                 ("Adaptasi yang jelas dengan unsur baru bagi daerah.", "A clear adaptation, new to the region."),
                 ("Pendekatan baru di tingkat provinsi.", "A new approach in the province."),
                 ("Terobosan baru di tingkat nasional.", "A breakthrough, new nationally."),
             )},
            {"code": "kemanfaatan", "title": "Kemanfaatan", "title_en": "Benefit", "weight": "25",
             "description": "Manfaat nyata bagi masyarakat atau pemerintahan, didukung data.",
             "description_en": "Real benefit for citizens or government, backed by data.",
             "descriptors": _levels(
                 ("Manfaat belum terlihat.", "No visible benefit yet."),
                 ("Manfaat diklaim tanpa data.", "Benefit claimed without data."),
                 ("Manfaat terukur bagi sebagian sasaran.", "Measured benefit for part of the target group."),
                 ("Manfaat terukur dan luas.", "Measured and broad benefit."),
                 ("Manfaat besar, terukur, dan berkelanjutan.", "Large, measured, lasting benefit."),
             )},
            {"code": "replikasi", "title": "Replikasi dan aplikatif", "title_en": "Replicability and applicability",
             "weight": "20",
             "description": "Mudah diterapkan dan ditiru oleh unit atau daerah lain.",
             "description_en": "Easy to apply and to copy by other units or regions.",
             "descriptors": _levels(
                 ("Sulit ditiru di tempat lain.", "Hard to copy elsewhere."),
                 ("Dapat ditiru dengan sumber daya besar.", "Copyable only with large resources."),
                 ("Dapat ditiru dengan penyesuaian.", "Copyable with adjustments."),
                 ("Sudah ditiru oleh unit lain.", "Already copied by another unit."),
                 ("Sudah direplikasi daerah lain.", "Already replicated by other regions."),
             )},
            {"code": "kewenangan", "title": "Kewenangan daerah dan kolaborasi",
             "title_en": "Regional authority and collaboration", "weight": "15",
             "description": "Sesuai urusan yang menjadi kewenangan daerah, melibatkan pihak lain.",
             "description_en": "Within the region's authority, involving other parties.",
             "descriptors": _levels(
                 ("Di luar kewenangan daerah.", "Outside the region's authority."),
                 ("Kewenangan kurang jelas, tanpa kolaborasi.", "Unclear authority, no collaboration."),
                 ("Sesuai kewenangan, kolaborasi terbatas.", "Within authority, limited collaboration."),
                 ("Sesuai kewenangan, kolaborasi lintas OPD.", "Within authority, collaboration across OPDs."),
                 ("Kolaborasi luas (OPD, swasta, masyarakat).", "Broad collaboration (OPDs, private, citizens)."),
             )},
            {"code": "penyajian", "title": "Penguasaan materi / kualitas penyajian",
             "title_en": "Command of the material / presentation quality", "weight": "10",
             "description": "Kejelasan penyajian dan penguasaan materi saat tanya jawab.",
             "description_en": "Clarity of the presentation and command of the material in Q&A.",
             "descriptors": _levels(
                 ("Tidak menguasai materi.", "No command of the material."),
                 ("Penyajian kurang jelas.", "An unclear presentation."),
                 ("Cukup jelas, menjawab sebagian pertanyaan.", "Clear enough, answers some questions."),
                 ("Jelas dan menjawab dengan baik.", "Clear, answers well."),
                 ("Sangat jelas, meyakinkan, tepat waktu.", "Very clear, convincing, on time."),
             )},
        ],
    },
    {
        "code": KIPP_CODE,
        "name": "KIPP (KemenPAN-RB)",
        "name_en": "KIPP (Ministry of Administrative Reform)",
        "description": "Kriteria Kompetisi Inovasi Pelayanan Publik: lima kriteria berbobot sama, skala 1-5.",
        "scale_min": 1, "scale_max": 5,
        "criteria": [
            {"code": code, "title": title, "title_en": title_en, "weight": "20",
             "description": desc, "description_en": desc_en,
             "descriptors": _levels(
                 ("Tidak terpenuhi.", "Not met."), ("Sedikit terpenuhi.", "Barely met."),
                 ("Cukup terpenuhi.", "Partly met."), ("Terpenuhi dengan baik.", "Well met."),
                 ("Sangat baik, menjadi contoh.", "Excellent, an example to others."),
             )}
            for code, title, title_en, desc, desc_en in (
                ("kebaruan", "Kebaruan", "Novelty", "Gagasan atau cara yang baru.", "A new idea or method."),
                ("efektif", "Efektif", "Effective", "Mencapai tujuan yang ditetapkan.", "Achieves its stated aims."),
                ("bermanfaat", "Bermanfaat", "Beneficial", "Memberi manfaat bagi masyarakat.",
                 "Benefits citizens."),
                ("mudah_disebarkan", "Mudah disebarkan", "Transferable", "Dapat diterapkan di tempat lain.",
                 "Can be applied elsewhere."),
                ("berkelanjutan", "Berkelanjutan", "Sustainable",
                 "Terus berjalan (anggaran, regulasi, SDM).", "Keeps running (budget, rules, staff)."),
            )
        ],
    },
]
