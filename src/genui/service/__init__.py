"""genui.service"""
