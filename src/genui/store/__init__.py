"""genui.store"""
