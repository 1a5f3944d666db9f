from ninja import Router

router = Router(tags=["不动产抵押登记"])
