"""Public catalogue pages, mounted at /catalogue/."""

from django.urls import path

from gongkai.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/print/", views.item_print, name="item_print"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("<slug:slug>/", views.browse, name="browse"),
    path("<slug:slug>/guide/", views.guide, name="guide"),
    path("<slug:slug>/feed.atom", views.CategoryFeed(), name="feed"),
    path("<slug:slug>/c/<slug:category>/", views.browse, name="browse_category"),
    path("<slug:slug>/c/<slug:category>/feed.atom", views.CategoryFeed(), name="feed_category"),
]
