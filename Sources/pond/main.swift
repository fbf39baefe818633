import PondServer
import ArgumentParser
import AsyncHTTPClient
print("pond")
