from django.urls import path

from .closures import ClosureDayDeleteView, ClosureDayEditView, ClosureDayListView

urlpatterns = [
    path("", ClosureDayListView.as_view(), name="closure_list"),
    path("new/", ClosureDayEditView.as_view(), name="closure_create"),
    path("<int:pk>/", ClosureDayEditView.as_view(), name="closure_edit"),
    path("<int:pk>/delete/", ClosureDayDeleteView.as_view(), name="closure_delete"),
]
