# A webhook receiver for restart.sh: answers 204 and appends each event's arrival time (Unix seconds) and type to argv[1].
import http.server, json, sys, time

class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        event = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))))
        with open(sys.argv[1], 'a') as arrivals:
            arrivals.write(f"{time.time():.3f} {event.get('type')}\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(('127.0.0.1', 5098), Receiver).serve_forever()
