"""genui.web"""
