from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from innovation.documents.settings import LIMITS


def _text(label, name: str, **kw) -> StringField:
    return StringField(label, validators=[Length(max=LIMITS[name])], **kw)


class DocumentSettingsForm(FlaskForm):
    issuer = _text(_l("Penerbit"), "issuer")
    logo = FileField(_l("Logo daerah (PNG atau JPG)"))
    remove_logo = BooleanField(_l("Hapus logo yang diunggah (pakai lambang bawaan)"))
    place = _text(_l("Tempat penetapan"), "place")
    number_format = _text(_l("Format nomor sertifikat"), "number_format")
    decree_official = _text(_l("SK ditetapkan oleh"), "decree_official")
    signer1_name = _text(_l("Nama"), "signer1_name")
    signer1_title = _text(_l("Jabatan"), "signer1_title")
    signer1_nip = _text(_l("NIP"), "signer1_nip")
    signer2_name = _text(_l("Nama"), "signer2_name")
    signer2_title = _text(_l("Jabatan"), "signer2_title")
    signer2_nip = _text(_l("NIP"), "signer2_nip")
