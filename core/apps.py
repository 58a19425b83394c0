from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save, pre_save

        from . import outbox
        from .calendar import CLOSURES_CHANGED, forget_closure_days
        from .models import ClosureDay

        def remember_old_year(sender, instance, **kwargs):
            if instance.pk is not None:
                old = ClosureDay.objects.filter(pk=instance.pk).values_list("date", flat=True)
                instance._old_closure_date = next(iter(old), None)

        def closure_changed(sender, instance, **kwargs):
            # At once (this transaction's later reads) and after the commit (reads that
            # other processes made meanwhile from the old rows); a date moved to another
            # year changes both years.
            old = getattr(instance, "_old_closure_date", None)
            years = {instance.date.year} | ({old.year} if old else set())

            def forget():
                for year in years:
                    forget_closure_days(year)

            forget()
            transaction.on_commit(forget)
            outbox.publish(CLOSURES_CHANGED, {"years": sorted(years)})

        pre_save.connect(remember_old_year, sender=ClosureDay, dispatch_uid="closure_old_year")
        post_save.connect(closure_changed, sender=ClosureDay, dispatch_uid="closure_saved")
        post_delete.connect(closure_changed, sender=ClosureDay, dispatch_uid="closure_deleted")
