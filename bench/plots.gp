# bench/plots.gp - the plots of bench/run (gnuplot; dir, n and maxt are given with -e).
#   b4.dat: impl cpu_ms wait_max_ms wait_p99_ms       (medians)
#   b6.dat: tenants total_ms rss_silent_kb rss_printed_kb   (innit, medians)
set terminal pngcairo size 900,420 font "sans,10"
set style fill solid 0.8 border -1
set boxwidth 0.6
set grid ytics
set key off
set termoption noenhanced
set xtics rotate by -25

set output dir."/b4-reaping.png"
set multiplot layout 1,2 title "B4: reaping ".n." orphans (PID 1 of a PID namespace; medians)"
g = 40.0 * n / 20000
set title sprintf("PID 1 CPU (ms); goal <= %g ms (dashed)", g)
set yrange [0:*]
set arrow 1 from graph 0, first g to graph 1, first g nohead dt 2 lw 2 lc rgb "#228833"
plot dir."/b4.dat" using 0:2:xtic(1) with boxes lc rgb "#4477aa", \
     "" using 0:2:(sprintf("%.1f", $2)) with labels offset 0,0.7
unset arrow 1
set title "longest zombie wait (ms, log scale); goal <= 5 ms (dashed)"
set logscale y
set arrow 2 from graph 0, first 5 to graph 1, first 5 nohead dt 2 lw 2 lc rgb "#228833"
set yrange [0.01:*]
plot dir."/b4.dat" using 0:3:xtic(1) with boxes lc rgb "#cc6677", \
     "" using 0:3:(sprintf("%.2f", $3)) with labels offset 0,0.7
unset logscale y
unset arrow 2
unset multiplot
set xtics norotate

set output dir."/b6-scale.png"
set multiplot layout 1,2 title "B6: N tenants in one innit (this build: MAX_TENANTS=".maxt."; medians)"
set key top left
set xlabel "tenants (linear: a straight line is linear scaling)"
set xrange [0:*]
set yrange [0:*]
set title "launch -> all tenants exec'd (ms)"
plot dir."/b6.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#4477aa" title "innit", \
     "" using 1:2:(sprintf("%.0f", $2)) with labels offset 0,1 notitle
set title "PID 1 VmRSS (kB)"
plot dir."/b6.dat" using 1:3 with linespoints lw 2 pt 7 lc rgb "#4477aa" title "silent tenants", \
     "" using 1:4 with linespoints lw 2 pt 5 lc rgb "#cc6677" title "tenants that printed a line"
unset multiplot
