"""Imports every area's models so SQLAlchemy and Alembic see the whole schema. Nothing else."""
from innovation.audit.models import AuditEvent  # noqa: F401
from innovation.auth.models import User  # noqa: F401
from innovation.events.models import Category, DeadlineExtension, Entry, Event  # noqa: F401
from innovation.innovations.models import Evidence, IndicatorAnswer, Innovation  # noqa: F401
from innovation.orgs.models import Opd  # noqa: F401
from innovation.storage.models import StoredFile  # noqa: F401
from innovation.uploads.models import PendingUpload  # noqa: F401
import innovation.jobs.models  # noqa: F401,E402
import innovation.judging.models  # noqa: F401,E402
import innovation.reporting.models  # noqa: F401,E402
import innovation.api.models  # noqa: F401,E402
import innovation.outbox.models  # noqa: F401,E402
import innovation.public.models  # noqa: F401,E402
import innovation.judging.schedule_models  # noqa: F401,E402
import innovation.notify.models  # noqa: F401,E402
import innovation.documents.models  # noqa: F401,E402
import innovation.judging.discussion_models  # noqa: F401,E402
import innovation.judging.calibration_models  # noqa: F401,E402
import innovation.choice.models  # noqa: F401,E402
