/* The incident map: country outlines from the shipped world-atlas TopoJSON (so the map reads with
   no tile server), optional tiles, and the filtered incidents as circle markers sized by fatalities,
   clustered where dense. The page passes its settings in the #map-config JSON script. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var container = document.getElementById("incident-map");
  var status = document.getElementById("map-status");
  var listInView = document.getElementById("list-in-view");

  // the legend's colours, set here rather than in style="" attributes (the CSP refuses those)
  document.querySelectorAll(".map-legend .swatch[data-colour]").forEach(function (swatch) {
    swatch.style.background = swatch.dataset.colour;
  });

  // maxZoom on the map itself: clustering needs one even when no tile layer brings it
  var map = L.map(container, { worldCopyJump: true, minZoom: 1, maxZoom: 18 }).setView([20, 15], 2);
  // Outlines sit above any tiles and below the markers.
  map.createPane("outlines");
  map.getPane("outlines").style.zIndex = 250;

  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  }

  var ANTARCTICA = "010"; // ISO 3166-1 numeric; its ring runs along the map's edge, and no one is hurt there

  // Countries that cross the antimeridian (Russia, Fiji) jump from +180 to -180 within a ring, and
  // Leaflet would draw that jump as a line across the world: keep each ring's longitudes continuous.
  function unwrap(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polygons.forEach(function (rings) {
      rings.forEach(function (ring) {
        var shift = 0;
        for (var i = 1; i < ring.length; i++) {
          var step = ring[i][0] + shift - ring[i - 1][0];
          if (step > 180) shift -= 360;
          else if (step < -180) shift += 360;
          ring[i][0] += shift;
        }
      });
    });
  }

  fetch(config.outlinesUrl)
    .then(function (response) {
      if (!response.ok) throw new Error("outlines: HTTP " + response.status);
      return response.json();
    })
    .then(function (topology) {
      var countries = topojson.feature(topology, topology.objects.countries);
      countries.features = countries.features.filter(function (country) {
        return country.id !== ANTARCTICA;
      });
      countries.features.forEach(function (country) { unwrap(country.geometry); });
      L.geoJSON(countries, {
        pane: "outlines",
        interactive: false,
        style: {
          color: "#7d8797",
          weight: 0.8,
          fillColor: "#f4f1ea",
          fillOpacity: config.tileUrl ? 0 : 1,
        },
      }).addTo(map);
      container.dataset.outlines = "ready";
    })
    .catch(function (error) {
      container.dataset.outlines = "failed";
      console.error(error);
    });

  function radius(fatalities) {
    if (!fatalities) return 5;
    return Math.min(24, 5 + 2.5 * Math.sqrt(fatalities));
  }

  function colour(subEventType) {
    return config.colours[config.eventTypes[subEventType]] || "#555";
  }

  function field(list, name, value) {
    var dt = document.createElement("dt");
    dt.textContent = name;
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }

  // Built as DOM nodes with textContent: place names come from the articles' text.
  function popup(point) {
    var box = document.createElement("div");
    box.className = "incident-popup";
    var title = document.createElement("strong");
    title.textContent = point[5];
    var head = [title];
    var badge = document.getElementById("background-badge");
    if (point[7] && badge) head.push(" ", badge.content.cloneNode(true)); // a recalled, older event
    var list = document.createElement("dl");
    field(list, "Date", point[4]);
    field(list, "Type", (config.eventTypes[point[5]] || "") + " — " + point[5]);
    field(list, "Place", point[6] || "—");
    field(list, "Fatalities", point[3] === null ? "unknown" : String(point[3]));
    var link = document.createElement("a");
    link.href = config.incidentUrl.replace("{id}", String(point[0]));
    link.className = "incident-link";
    link.textContent = "Open incident #" + point[0];
    box.append.apply(box, head.concat([list, link]));
    return box;
  }

  function report(data, count) {
    var shown = count.toLocaleString("en");
    if (data.capped) {
      status.textContent = "Showing the newest " + shown + " matching incidents only (the map's limit): " +
        "narrow the filters to see older ones.";
    } else {
      status.textContent = shown + " incident" + (count === 1 ? "" : "s") + " with coordinates.";
    }
    container.dataset.points = String(count); // set once every marker is on the map
  }

  function showPoints(data) {
    var markers = data.points.map(function (point) {
      var marker = L.circleMarker([point[1], point[2]], {
        radius: radius(point[3]),
        color: "#fff",
        weight: 1,
        fillColor: colour(point[5]),
        fillOpacity: 0.8,
        className: "incident-marker",
      });
      marker.bindPopup(function () { return popup(point); });
      return marker;
    });
    if (!markers.length) {
      report(data, 0);
      return;
    }
    // Frame the markers first, without animation, so they are clustered once, at the final zoom.
    var bounds = L.latLngBounds(markers.map(function (marker) { return marker.getLatLng(); }));
    map.fitBounds(bounds.pad(0.2), { maxZoom: 7, animate: false });
    var clusters = L.markerClusterGroup({
      chunkedLoading: true, // thousands of markers go in between frames, the page stays responsive
      chunkProgress: function (done, total) {
        // (adding the empty group to the map reports 0 of 0 first)
        if (done === total && total === markers.length) setTimeout(function () { report(data, total); }, 0);
      },
      showCoverageOnHover: false,
      maxClusterRadius: 45,
    });
    map.addLayer(clusters);
    clusters.addLayers(markers);
  }

  fetch(config.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.errors ? "The filters are not valid." : "HTTP " + response.status);
        return body;
      });
    })
    .then(showPoints)
    .catch(function (error) {
      status.textContent = "The incidents could not be loaded: " + error;
      console.error(error);
      container.dataset.points = "failed";
    });

  // "List the incidents in this view": the list with the same filters and the map's bounding box.
  function updateListLink() {
    if (!listInView) return;
    var bounds = map.getBounds();
    var west = Math.max(-180, Math.floor(bounds.getWest() * 1000) / 1000);
    var east = Math.min(180, Math.ceil(bounds.getEast() * 1000) / 1000);
    var south = Math.max(-90, Math.floor(bounds.getSouth() * 1000) / 1000);
    var north = Math.min(90, Math.ceil(bounds.getNorth() * 1000) / 1000);
    if (west > east) { west = -180; east = 180; }
    var query = (config.filters ? config.filters + "&" : "") + "bbox=" + [west, south, east, north].join(",");
    listInView.href = config.listUrl + "?" + query;
  }
  map.on("moveend", updateListLink);
  updateListLink();
})();
