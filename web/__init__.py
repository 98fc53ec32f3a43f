"""The website side of AHSCT Guide: the demo page server and the socket.io channel the widget talks to."""
