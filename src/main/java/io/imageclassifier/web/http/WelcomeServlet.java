package io.imageclassifier.web.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /}: a short welcome that tells a person how to use the service. */
public class WelcomeServlet extends HttpServlet {

    static final String WELCOME = "Welcome to the ResNet50 image classifier.\n"
            + "POST an image to /predict, e.g.: curl -X POST -F image=@dog.jpg http://localhost/predict\n";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(WELCOME);
    }
}
