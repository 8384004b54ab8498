print("mailgate: under construction")
