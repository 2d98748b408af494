from django.urls import path

from . import io_views

app_name = "io"

urlpatterns = [
    path("import/", io_views.import_page, name="import"),
    path("import/templates/<str:kind>.xlsx", io_views.template, name="template"),
    path("import/<int:batch_id>/", io_views.batch_page, name="batch"),
    path("import/<int:batch_id>/commit/", io_views.commit, name="commit"),
    path("import/<int:batch_id>/mapping/", io_views.remap, name="remap"),
    path("export/people.xlsx", io_views.export_people, name="export_people"),
    path(
        "export/areas/<int:area_id>/children.xlsx",
        io_views.export_children,
        name="export_children",
    ),
    path("export/organisations.xlsx", io_views.export_organisations, name="export_organisations"),
]
