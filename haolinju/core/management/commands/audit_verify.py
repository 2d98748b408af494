"""``manage.py audit_verify``: recompute every audit chain; exit 1 naming the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from haolinju.core.auditchain import verify_all


class Command(BaseCommand):
    help = "Recompute the audit log's hash chains and report the first broken link."

    def handle(self, *args, **options):
        reports = verify_all()
        broken = [r for r in reports if not r.ok]
        for report in reports:
            if report.ok:
                self.stdout.write(f"chain {report.chain}: ok, {report.length} events")
            else:
                where = (
                    f"event id {report.broken_event_id}"
                    if report.broken_event_id is not None
                    else "its end"
                )
                self.stdout.write(
                    f"chain {report.chain}: BROKEN at seq {report.broken_at_seq} ({where}): "
                    f"{report.reason}"
                )
        if broken:
            raise CommandError(f"{len(broken)} audit chain(s) broken")
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {len(reports)} chain(s)"))
