package io.imageclassifier.web;

import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.RedisClients;
import io.imageclassifier.protocol.Settings;
import io.imageclassifier.web.health.HealthServlet;
import io.imageclassifier.web.health.ReadinessProbe;
import io.imageclassifier.web.health.ServiceMetrics;
import io.imageclassifier.web.health.ServiceState;
import io.imageclassifier.web.http.ErrorServlet;
import io.imageclassifier.web.http.PredictServlet;
import io.imageclassifier.web.http.RequestTrackingFilter;
import io.imageclassifier.web.http.WelcomeServlet;
import io.imageclassifier.web.image.DecodeMemoryBudget;
import io.imageclassifier.web.image.ImagePreprocessor;
import io.imageclassifier.web.image.NativeDecoders;
import io.imageclassifier.web.queue.PredictionQueue;
import io.imageclassifier.web.queue.RedisPredictionQueue;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.logging.Logger;
import redis.clients.jedis.UnifiedJedis;

/**
 * Wires the web app from the shared settings when Tomcat deploys it, and stops the result
 * listener when Tomcat undeploys it (so no thread outlives the web app).
 *
 * <p>Servlets and the filter are registered here rather than by annotation, each handed what it
 * needs through its constructor: the upload limit is a setting, and an annotation can only hold
 * a constant. Nothing reads its wiring back from here or from the servlet context.
 */
@WebListener
public class ServiceBootstrap implements ServletContextListener {

    /** How long undeploy waits for the threads its clients were told to stop (see {@link WebAppThreads}). */
    private static final Duration THREADS_STOP_LIMIT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(ServiceBootstrap.class.getName());

    private PredictionQueue queue;
    private UnifiedJedis redis;
    private NativeDecoders decoders;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Settings settings = Settings.load();
        ServletContext context = event.getServletContext();
        redis = RedisClients.create(settings, settings.redisPoolSize(), RedisPredictionQueue.LISTEN_BLOCK.toMillis());
        queue = new RedisPredictionQueue(settings, redis);

        DecodeMemoryBudget decodeBudget = DecodeMemoryBudget.fromSetting(
                settings.imageDecodeBudgetMegabytes(), Runtime.getRuntime());
        decoders = NativeDecoders.load();
        ImagePreprocessor preprocessor = new ImagePreprocessor(settings.imageWidth(), settings.imageHeight(),
                settings.imageMaxPixels(), decodeBudget, settings.requestTimeout(), decoders,
                settings.imageJpegDctScaling());
        ServiceState state = new ServiceState(redis, QueueKeys.from(settings));
        ServiceMetrics metrics = new ServiceMetrics(state, settings.queueMaxLength());
        long uploadLimit = settings.uploadMaxBytes();
        ServletRegistration.Dynamic predict = context.addServlet("predict",
                new PredictServlet(preprocessor, queue, settings.requestTimeout(), uploadLimit, metrics.stages()));
        predict.addMapping(PredictServlet.PATH);
        predict.setAsyncSupported(true);

        // "" is the context root exactly: GET / and nothing else.
        context.addServlet("welcome", new WelcomeServlet()).addMapping("");
        context.addServlet("error", new ErrorServlet()).addMapping("/error");
        context.addServlet("health", new HealthServlet(new ReadinessProbe(state))).addMapping("/health/*");
        context.addServlet("metrics", new PrometheusMetricsServlet(metrics.registry())).addMapping("/metrics");
        FilterRegistration.Dynamic tracking = context.addFilter("request-tracking",
                new RequestTrackingFilter(metrics::recordPrediction));
        tracking.setAsyncSupported(true);
        tracking.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        LOG.info("image classifier ready: POST /predict (upload limit " + uploadLimit + " bytes, timeout "
                + settings.requestTimeout().toMillis() + " ms, decode budget " + (decodeBudget.capacityBytes() >> 20)
                + " MB, JPEG decoder " + (decoders.jpeg() != null ? "libjpeg-turbo" : "ImageIO")
                + (settings.imageJpegDctScaling() ? " with DCT scaling" : "") + ", WebP "
                + (decoders.webp() != null ? "libwebp" : "refused") + ", model input "
                + settings.imageWidth() + "x" + settings.imageHeight() + ")");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (queue != null) {
            queue.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (decoders != null) {
            decoders.close();
        }
        try {
            List<String> running = WebAppThreads.awaitEnd(Thread.currentThread().getContextClassLoader(),
                    THREADS_STOP_LIMIT);
            if (!running.isEmpty()) {
                LOG.warning("threads still running " + THREADS_STOP_LIMIT.toSeconds() + " s after undeploy: " + running);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
