app_name = "mortgage"

urlpatterns = []
